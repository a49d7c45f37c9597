"""`python -m scheduler` is the `vignettes` command."""

import sys

from scheduler.cli import main

sys.exit(main())
