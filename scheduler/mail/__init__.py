"""Email to the people of the pipeline: one SMTP transport (`smtp`) and the sender that
empties the outbox (`outbox`), used by the daemon and the console."""
