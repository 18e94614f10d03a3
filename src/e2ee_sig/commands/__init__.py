"""One module per command, each exposing one click command that cli.py registers."""
