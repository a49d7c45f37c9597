"""`python -m scheduler` is the `vignettes` command."""

import sys

from scheduler.cli.main import main

sys.exit(main())
