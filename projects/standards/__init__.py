"""The rules as pure code: the 2015 black-odorous water guide (``black_odour``) and the sewer
defect scores of CJJ 181-2012 (``cjj181``), with every threshold and open choice in ``config``.

No Django here: these modules import only the standard library (a test checks), so they run
anywhere and are tested without a database.
"""
