"""Channel adapters: translate between a messenger and the channel-neutral message model."""
