"""Paste the ad: the dialogue, the analysis of an ad's words (rules, words, pay, denials) and how
its result reads."""
