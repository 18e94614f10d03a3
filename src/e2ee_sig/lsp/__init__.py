"""``e2ee-sig lsp``: the linter and the XEP checkout's knowledge inside any LSP editor.

Only :mod:`e2ee_sig.lsp.server` imports pygls; the other modules work on the project's
Document model and plain text, and return lsprotocol types.
"""
