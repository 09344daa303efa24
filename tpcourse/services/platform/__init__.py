"""Running the platform: backups and the demo set-up."""
