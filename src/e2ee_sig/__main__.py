"""Allow ``python -m e2ee_sig``."""

from e2ee_sig.cli import main

main()
