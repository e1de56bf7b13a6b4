"""The review-reply library: text -> tokens -> features -> labels -> reply. No HTTP or CLI in here."""
