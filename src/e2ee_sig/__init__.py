"""e2ee-sig: the XSF end-to-end encryption SIG's toolkit for XEP documents."""

__version__ = "0.1.0"
