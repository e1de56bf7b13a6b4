"""HTTP routes, one module per resource, joined in service.app."""
