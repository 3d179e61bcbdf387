# Le catalogue français : les mêmes messages et arguments que en.ftl. Une espace fine
# insécable (U+202F) précède « ? », « : » et suit « « ».

## Comptes

account-unavailable = Désolé, je n’arrive pas à accéder à vos informations de compte pour le moment. Merci de réessayer dans un instant.
account-balance = Le solde du compte { $user_id } est de { $balance }.
account-which = De quel compte s’agit-il ? Merci de m’indiquer votre identifiant.
account-unknown = Je ne trouve aucun compte avec l’identifiant { $user_id }. Pouvez-vous vérifier l’identifiant et me le redonner ?
account-count-out-of-range = Je ne peux pas afficher { $said } opérations. Combien en voulez-vous, entre 1 et { $max } ?
account-count-not-understood = Je n’ai pas compris « { $said } » comme un nombre. Combien d’opérations voulez-vous, entre 1 et { $max } ?
account-no-transactions = Il n’y a encore aucune opération sur le compte { $user_id }.
account-transactions-capped =
    { $max ->
        [one] Je peux indiquer une seule opération à la fois.
       *[other] Je peux indiquer au maximum { $max } opérations à la fois.
    }
account-transactions =
    { $count ->
        [one] La dernière opération sur le compte { $user_id } :
       *[other] Les { $count } dernières opérations sur le compte { $user_id } :
    }
account-transaction = { $date } : { $description }, { $amount }
