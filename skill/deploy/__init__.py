"""Getting the skill to Amazon: the Lambda deployment zip and the ASK CLI skill package.

Both are built from what the repository already holds (the ``skill`` package, ``content/``,
the generated ``interaction_models/``), so a deploy ships exactly what the tests checked.
"""
