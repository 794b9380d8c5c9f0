"""Jupyter server settings for this project, used by ``make lab`` (``JUPYTER_CONFIG_PATH``).

Notebooks of the project (``notebooks/``, or any notebook whose metadata sets
``pmkit.strip_outputs``) are saved without outputs: see ``pmkit/nbstrip.py``.
"""

c = get_config()  # noqa: F821 - provided by Jupyter when it loads this file
c.ContentsManager.pre_save_hook = "pmkit.nbstrip.pre_save_hook"
