"""Survey platforms: questionnaire definitions to instruments, exports to raw tables."""
