"""The records beneath a pathway (plan goals and their reviews, accommodation, literacy, training, jobs,
permits, diary): one form, one save service and one pair of views for every kind of part.

A sub-package rather than the ``part_*.py`` prefix it had: the parts are a concept of their own with their
own URL namespace (``pathway_parts``), and a folder says so where a file prefix only hinted at it.
"""
