"""A custom user model whose ``USERNAME_FIELD`` is the e-mail, for a second test run.

``AUTH_USER_MODEL`` cannot change inside one run, so these tests run in a subprocess
(``tests/test_custom_user_model.py``) with ``--ds=tests.custom_user.settings``; the main
run skips this directory (``collect_ignore`` in ``tests/conftest.py``).
"""
