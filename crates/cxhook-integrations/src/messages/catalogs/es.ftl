# El catálogo español: los mismos mensajes y argumentos que en.ftl.

## Cuentas

account-unavailable = Lo siento, ahora mismo no puedo consultar los datos de su cuenta. Vuelva a intentarlo en un momento, por favor.
account-balance = El saldo de la cuenta { $user_id } es de { $balance }.
account-which = ¿De qué cuenta se trata? Dígame su identificador de usuario, por favor.
account-unknown = No encuentro ninguna cuenta con el identificador { $user_id }. Compruébelo y dígamelo de nuevo, por favor.
account-count-out-of-range = No puedo mostrar { $said } movimientos. ¿Cuántos quiere, entre 1 y { $max }?
account-count-not-understood = No he entendido «{ $said }» como un número. ¿Cuántos movimientos quiere, entre 1 y { $max }?
account-no-transactions = Todavía no hay movimientos en la cuenta { $user_id }.
account-transactions-capped =
    { $max ->
        [one] Solo puedo mostrar un movimiento cada vez.
       *[other] Puedo mostrar como máximo { $max } movimientos cada vez.
    }
account-transactions =
    { $count ->
        [one] El último movimiento de la cuenta { $user_id }:
       *[other] Los últimos { $count } movimientos de la cuenta { $user_id }:
    }
account-transaction = { $date }: { $description }, { $amount }
