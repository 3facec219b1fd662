"""What Facebook Pages and Instagram share: the Graph API and its error semantics."""
