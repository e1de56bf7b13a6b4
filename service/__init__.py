"""The HTTP service: settings, app factory, schemas, routes and the agents' page."""
