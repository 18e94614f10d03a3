"""``e2ee-sig bundle``: check a submission in ``base..HEAD`` and package it for the Council.

The plan reads only git objects (the files as committed at the base and at HEAD), so what is
checked is exactly what is bundled; uncommitted work is listed as not included. Outputs (a
verified git bundle, the patch series and ``SUMMARY.md``) are written only when every check
passes, or with ``force``.
"""
