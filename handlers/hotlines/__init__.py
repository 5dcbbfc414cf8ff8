"""Important numbers: the national hotlines and the /nomor dialogue."""
