# The shipped English catalog: the reference every other language and every override
# file is checked against (the same message ids, the same arguments).

## Accounts

# The database failed or did not answer in time.
account-unavailable = Sorry, I can't reach your account details right now. Please try again in a moment.
# $user_id: the account; $balance: the amount, formatted for the caller's language.
account-balance = The balance of account { $user_id } is { $balance }.
# No user ID was said, and the page has no form parameter to ask with.
account-which = Which account do you mean? Please tell me your user ID.
account-unknown = I couldn't find an account with the user ID { $user_id }. Please check the ID and tell me again.
# $said: the count as said (0, -3, 2.5); $max: the most a call lists.
account-count-out-of-range = I can't list { $said } transactions. How many would you like, from 1 to { $max }?
# $said: what was said, cut to a few words.
account-count-not-understood = I didn't understand "{ $said }" as a number. How many transactions would you like, from 1 to { $max }?
account-no-transactions = There are no transactions on account { $user_id } yet.
# Said before the list when the caller asked for more than $max.
account-transactions-capped =
    { $max ->
        [one] I can list at most { $max } transaction at a time.
       *[other] I can list at most { $max } transactions at a time.
    }
# The heading of the list; $count is how many follow (1 or more).
account-transactions =
    { $count ->
        [one] The last transaction on account { $user_id }:
       *[other] The last { $count } transactions on account { $user_id }:
    }
# One line of the list; $amount is signed and formatted for the caller's language.
account-transaction = { $date }: { $description }, { $amount }
