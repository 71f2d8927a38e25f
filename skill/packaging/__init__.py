"""Building what a deploy uploads: the Lambda deployment zip and the ASK CLI skill package.

Both are built from what the repository already holds (the ``skill`` package, ``content/``,
the generated ``interaction_models/``), so a deploy ships exactly what the tests checked.

This is the code that builds; the top-level ``deploy/`` holds the configuration it builds into
(the SAM template, the gunicorn settings, the skill package folder).
"""
