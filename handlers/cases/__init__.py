"""Cases for the task force: the coordinators' dialogue, forwarding, how a case reads, exports,
and village officials joining through a coordinator."""
