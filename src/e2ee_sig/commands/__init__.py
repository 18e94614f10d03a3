"""One module per subcommand, each exposing one click command.

A command turns its flags and the configuration into a request, calls one library function and
prints the outcome. Only light modules (click, the option tables, dates) are imported at the top
of these modules, so ``e2ee-sig --help`` stays instant; the library is imported inside each
command. No command module imports another one; what they share is in :mod:`._common`.
"""
