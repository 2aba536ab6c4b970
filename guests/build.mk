# Guest payloads (placeholder until guests/lib lands): defines GUEST_BLOB_OBJ,
# the object that embeds every payload ELF into the kernel image.
GUEST_BLOB_OBJ :=
