"""The fee counter (收费台): a household found by how people say its address, one sum paid for
the months it chooses (allocation), its receipt (收据, numbered, in capitals) and the cashier's
cash-up of the day. Payments themselves go through fees/payments.py, the only writer of a bill's
totals."""
