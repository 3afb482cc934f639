import sys

from crmarena_cli import main

sys.exit(main())
