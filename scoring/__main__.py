"""`python -m scoring …`: see scoring/cli/main.py."""
import sys

from scoring.cli.main import main

sys.exit(main())
