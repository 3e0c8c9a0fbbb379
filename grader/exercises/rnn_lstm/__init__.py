"""The RNN/LSTM exercise: eight graded functions (basic RNN and LSTM, cell and sequence, forward and backward)."""
