"""Use-case services the activities call: one object per worker event loop with its clients and stores."""
