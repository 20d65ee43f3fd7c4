"""Terminal output. The kernel owns the rich Console; plugins hand it renderables."""
