-- Demo accounts, written once when the tables are created. Dates are relative to the day
-- of creation (in UTC, as SQLite's date('now')), so the transactions look recent.

INSERT INTO accounts (user_id, holder, currency, balance_minor) VALUES
    ('u-1001', 'Ada Lovelace', 'USD', 125075),
    ('u-1002', 'Alan Turing', 'GBP', 384210),
    ('u-1003', 'Emmy Noether', 'EUR', 1250075),
    ('u-1004', 'Grace Hopper', 'USD', 4300),
    ('u-1005', 'Marie Curie', 'EUR', 0);

INSERT INTO transactions (user_id, booked_on, description, amount_minor) VALUES
    ('u-1001', (CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date - 1, 'Coffee Corner', -450),
    ('u-1001', (CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date - 2, 'Salary', 320000),
    ('u-1001', (CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date - 3, 'Grocery Market', -8632),
    ('u-1001', (CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date - 5, 'Electricity bill', -6400),
    ('u-1001', (CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date - 8, 'Bookshop', -2399),
    ('u-1001', (CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date - 13, 'Refund', 1500),
    ('u-1002', (CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date - 1, 'Train ticket', -2450),
    ('u-1002', (CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date - 4, 'Salary', 285000),
    ('u-1002', (CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date - 6, 'Rent', -120000),
    ('u-1003', (CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date - 2, 'Bakery', -385),
    ('u-1003', (CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date - 3, 'Consulting fee', 450000),
    ('u-1003', (CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date - 9, 'Insurance', -12990),
    ('u-1004', (CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date - 1, 'Hardware store', -5700),
    ('u-1004', (CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date - 7, 'Transfer from savings', 10000),
    ('u-1005', (CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date - 2, 'Card payment', -2500),
    ('u-1005', (CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date - 10, 'Deposit', 2500);
