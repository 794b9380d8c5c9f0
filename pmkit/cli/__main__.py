"""``python -m pmkit.cli``: what a scheduled run and the tests start."""

import sys

from pmkit.cli import main

sys.exit(main())
