"""Report formats beyond text/json/sarif/github (cli/output.py): one module per format."""
