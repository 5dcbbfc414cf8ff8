"""The shared vocabulary every layer speaks (messages, texts, private files); it imports nothing of ours."""
