"""Publishing a saved plan's calendar items to a CalDAV server (record, resources, actions, server)."""
