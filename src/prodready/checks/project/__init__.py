"""Project rules (PR6xx): deployment, dependencies, migrations, ORM and frontend checks that
need the whole project (core/project/), one rule per module."""
