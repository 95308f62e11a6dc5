"""The diabetes-progression model: what it reads, how it is stored, how it scores a patient."""
