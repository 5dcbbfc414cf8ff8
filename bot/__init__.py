"""Sigap: a chatbot that helps Indonesian villages stop human trafficking before it happens."""
