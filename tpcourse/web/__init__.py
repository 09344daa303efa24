"""Blueprints: thin views that parse input, check permission, call a service and render."""
