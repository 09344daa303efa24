"""Authoring: syncing files into versions, the studio's quiz and lesson drafts, banks, item analysis."""
