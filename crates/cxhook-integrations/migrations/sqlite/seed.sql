-- Demo accounts, written once when the database is created. Dates are relative to the day
-- of creation, so the transactions look recent.

INSERT INTO accounts (user_id, holder, currency, balance_minor) VALUES
    ('u-1001', 'Ada Lovelace', 'USD', 125075),
    ('u-1002', 'Alan Turing', 'GBP', 384210),
    ('u-1003', 'Emmy Noether', 'EUR', 1250075),
    ('u-1004', 'Grace Hopper', 'USD', 4300),
    ('u-1005', 'Marie Curie', 'EUR', 0);

INSERT INTO transactions (user_id, booked_on, description, amount_minor) VALUES
    ('u-1001', date('now', '-1 day'), 'Coffee Corner', -450),
    ('u-1001', date('now', '-2 days'), 'Salary', 320000),
    ('u-1001', date('now', '-3 days'), 'Grocery Market', -8632),
    ('u-1001', date('now', '-5 days'), 'Electricity bill', -6400),
    ('u-1001', date('now', '-8 days'), 'Bookshop', -2399),
    ('u-1001', date('now', '-13 days'), 'Refund', 1500),
    ('u-1002', date('now', '-1 day'), 'Train ticket', -2450),
    ('u-1002', date('now', '-4 days'), 'Salary', 285000),
    ('u-1002', date('now', '-6 days'), 'Rent', -120000),
    ('u-1003', date('now', '-2 days'), 'Bakery', -385),
    ('u-1003', date('now', '-3 days'), 'Consulting fee', 450000),
    ('u-1003', date('now', '-9 days'), 'Insurance', -12990),
    ('u-1004', date('now', '-1 day'), 'Hardware store', -5700),
    ('u-1004', date('now', '-7 days'), 'Transfer from savings', 10000),
    ('u-1005', date('now', '-2 days'), 'Card payment', -2500),
    ('u-1005', date('now', '-10 days'), 'Deposit', 2500);
