"""`shop-admin`: an operator's command line. Printing is its job, so prodready leaves it be."""

import argparse
import logging


def main():
    logging.basicConfig(level=logging.INFO)
    parser = argparse.ArgumentParser(description="shop administration")
    parser.add_argument("order_id")
    args = parser.parse_args()
    print(f"looking up order {args.order_id}")


if __name__ == "__main__":
    main()
