"""Stale XEPs: the Editor's deferral rule, the XEP-0001 reading, git activity, and deferrals.

**The deferral rule** is exactly the one the XSF's ``tools/deferrals.py`` applies (see
``official-deferrals.md``): a root ``xep-NNNN.xml`` whose status is ``Experimental`` is stale
when the date of its *first* ``<revision>`` in document order is on or before the same
calendar day ``months`` (default 12) before ``now`` (default: today, UTC). Dates are read
like the official tool does (``strptime("%Y-%m-%d")``: ``2025-6-3`` is accepted), after
stripping surrounding whitespace.

**29 February.** The official tool computes the threshold with ``now.replace(year=year - 1)``
and crashes when ``now`` is 29 February. Here a day the earlier month lacks becomes that
month's last day: on 2024-02-29 the threshold is 2023-02-28, the same as on 2024-02-28, so
nothing becomes stale on a leap day that was not stale the day before and no day is skipped
(on 2024-03-01 the threshold is 2023-03-01). This is what ``deferrals.py`` computes on every
other day. Conversely a revision dated 2024-02-29 is stale from 2025-03-01 (on 2025-02-28 the
threshold is 2024-02-28). The same rule serves ``--months`` (31 March minus one month is the
last day of February).

**Malformed or missing dates** never abort the run (the official tool aborts on the first one
anywhere in the repository): an Experimental XEP whose first revision has no readable date is
reported with the state ``unknown`` and a problem naming the line and the text; other
statuses only get the problem.

**States**: ``stale``; ``due-soon`` when it will be stale within ``soon`` days; ``ok``;
``unknown`` (see above). Every other status than Experimental is ``ok`` (never deferred). The
**XEP-0001 reading** (since XEP-0001 1.25.0 only non-editorial revisions count as activity)
takes the newest revision whose MAJOR.MINOR differs from the next older one and applies the
same window to its date; it is reported next to the official state, not instead of it.

**Git**: one ``git log`` pass (``gitops.file_history``). For each XEP: the last commit that
touched it, and the *unrecorded changes*: newest first, the commits authored after its newest
revision's date, up to the commit that added that revision (its parent lacks it), less the
tree-wide editorial ones, listed apart (``stale.editorial``). Shallow clones work (history ends
at the boundary); a folder outside git gets no git fields and a note.

**Reading**: only each file's header (``stale.reading``); the whole file for ``--defer``.
"""
