"""Scheduled account jobs, run by huey."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anirena.accounts.deletion import delete_expired_accounts

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="23"))
def delete_expired_accounts_hourly() -> int:
    """Delete the accounts whose deletion grace period has ended (hourly, at minute 23)."""
    deleted = delete_expired_accounts()
    if deleted:
        logger.info("deleted %d accounts after their grace period", deleted)
    return deleted
