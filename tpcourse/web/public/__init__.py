"""Public endpoints with no account: signing keys, health check, content images."""
