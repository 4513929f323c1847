import sys

from segmenta.cli import main

sys.exit(main())
