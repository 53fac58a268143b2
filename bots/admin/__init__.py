"""The admin of the bots app: bots (bots.py), activity logs and trades (records.py), and Telegram
connections (bots/telegram/admin.py). Importing each module registers its ModelAdmins.
"""

from bots.admin import bots, records  # noqa: F401
from bots.telegram import admin as telegram  # noqa: F401
