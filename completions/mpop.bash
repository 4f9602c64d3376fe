# bash completion for mpop                                  -*- shell-script -*-
#
# Completes options, their values (on/off, authentication and delivery
# methods, file names) and the account names of the configuration file in
# use: the one given with -C/--file, else ~/.mpoprc, else
# $XDG_CONFIG_HOME/mpop/config.  Self-contained: works with or without the
# bash-completion package.

# Long options that take no value.
_mpop_plain_options='--version --help --pretend --debug --serverinfo --mda
    --quiet --half-quiet --all-accounts --auth-only --status-only'
# Long options whose value is optional ("--keep" or "--keep=off").
_mpop_optional_options='--received-header --auth --tls --tls-starttls
    --tls-certcheck --only-new --keep --syslog --oauth2-authorize'
# Long options that need a value, offered as "--file=".
_mpop_value_options='--configure= --file= --host= --port= --source-ip=
    --proxy-host= --proxy-port= --socket= --timeout= --pipelining= --user=
    --passwordeval= --tls-trust-file= --tls-crl-file= --tls-fingerprint=
    --tls-key-file= --tls-cert-file= --tls-priorities= --tls-host-override=
    --tls-min-dh-prime-bits= --killsize= --skipsize= --filter= --delivery=
    --uidls-file= --summary= --logfile= --logfile-time-format=
    --oauth2-provider= --oauth2-client-id= --oauth2-client-secret=
    --oauth2-client-secret-eval= --oauth2-authorization-endpoint=
    --oauth2-token-endpoint= --oauth2-device-endpoint= --oauth2-scope=
    --oauth2-tenant=
    --simultaneous-accounts='
_mpop_short_options='-P -d -S -C -q -Q -a -A -s -n -k'
_mpop_auth_methods='on user apop plain cram-md5 digest-md5 scram-sha-1
    scram-sha-256 gssapi external login ntlm oauthbearer xoauth2'

# Prints the configuration file mpop would read for the command line in
# COMP_WORDS.
_mpop_config_file()
{
    local i word file=
    for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
        word=${COMP_WORDS[i]}
        case $word in
            -C) file=${COMP_WORDS[i + 1]} ;;
            -C?*) file=${word#-C} ;;
            --file=?*) file=${word#--file=} ;;
            --file)
                if [[ ${COMP_WORDS[i + 1]} == = ]]; then
                    file=${COMP_WORDS[i + 2]}
                else
                    file=${COMP_WORDS[i + 1]}
                fi
                ;;
        esac
    done
    if [[ -n $file ]]; then
        # The shell, not mpop, would expand a tilde on the real command line.
        [[ $file == '~/'* ]] && file=$HOME/${file#'~/'}
        printf '%s\n' "$file"
    elif [[ -e $HOME/.mpoprc ]]; then
        printf '%s\n' "$HOME/.mpoprc"
    else
        printf '%s\n' "${XDG_CONFIG_HOME:-$HOME/.config}/mpop/config"
    fi
}

# Prints the account names defined in the configuration file, one a line.
_mpop_accounts()
{
    local file line name
    file=$(_mpop_config_file)
    [[ -r $file ]] || return 0
    while IFS= read -r line || [[ -n $line ]]; do
        [[ $line =~ ^[[:blank:]]*account[[:blank:]]+([^:]*) ]] || continue
        name=${BASH_REMATCH[1]}
        name=${name%"${name##*[![:blank:]]}"}
        name=${name%$'\r'}
        [[ -n $name && $name != *[[:blank:],]* ]] && printf '%s\n' "$name"
    done < "$file"
}

# Completes the value of option $1 for the word $2.
_mpop_option_value()
{
    local option=$1 cur=$2
    case $option in
        --received-header | --tls | --tls-starttls | --tls-certcheck | \
            --only-new | --keep | -n | -k)
            COMPREPLY=($(compgen -W 'on off' -- "$cur")) ;;
        --pipelining)
            COMPREPLY=($(compgen -W 'auto on off' -- "$cur")) ;;
        --summary)
            COMPREPLY=($(compgen -W 'off json' -- "$cur")) ;;
        --oauth2-authorize)
            COMPREPLY=($(compgen -W 'browser device' -- "$cur")) ;;
        --oauth2-provider)
            COMPREPLY=($(compgen -W 'google microsoft custom' -- "$cur")) ;;
        --oauth2-tenant)
            COMPREPLY=($(compgen -W 'common consumers organizations' -- "$cur")) ;;
        --syslog)
            COMPREPLY=($(compgen -W 'on off LOG_USER LOG_MAIL LOG_LOCAL0 LOG_LOCAL1
                LOG_LOCAL2 LOG_LOCAL3 LOG_LOCAL4 LOG_LOCAL5 LOG_LOCAL6 LOG_LOCAL7' -- "$cur")) ;;
        --auth)
            COMPREPLY=($(compgen -W "$_mpop_auth_methods" -- "$cur")) ;;
        --timeout | --killsize | --skipsize)
            COMPREPLY=($(compgen -W 'off' -- "$cur")) ;;
        --delivery)
            if [[ $cur == *,* ]]; then
                local method=${cur%%,*} path=${cur#*,}
                case $method in
                    mda) COMPREPLY=($(compgen -c -- "$path")) ;;
                    maildir | exchange) COMPREPLY=($(compgen -d -- "$path")) ;;
                    *) COMPREPLY=($(compgen -f -- "$path")) ;;
                esac
                COMPREPLY=("${COMPREPLY[@]/#/$method,}")
            else
                COMPREPLY=($(compgen -W 'mda, maildir, mbox, exchange,' -- "$cur"))
                compopt -o nospace 2>/dev/null
            fi
            ;;
        -C | --file | --tls-trust-file | --tls-crl-file | --tls-key-file | \
            --tls-cert-file | --uidls-file | --socket | --logfile)
            COMPREPLY=($(compgen -f -- "$cur"))
            compopt -o filenames 2>/dev/null
            ;;
        --passwordeval | --filter | --oauth2-client-secret-eval)
            COMPREPLY=($(compgen -c -- "$cur")) ;;
        --host | --proxy-host)
            COMPREPLY=($(compgen -A hostname -- "$cur")) ;;
        *)
            COMPREPLY=() ;;
    esac
}

_mpop()
{
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()

    # "--auth=pl": with "=" in COMP_WORDBREAKS (the default) the words are
    # "--auth" "=" "pl"; without it, one word "--auth=pl".
    if [[ $cur == = && $prev == --* ]]; then
        _mpop_option_value "$prev" ''
        return 0
    fi
    if [[ $prev == = && COMP_CWORD -ge 2 ]]; then
        _mpop_option_value "${COMP_WORDS[COMP_CWORD - 2]}" "$cur"
        return 0
    fi
    if [[ $cur == --*=* ]]; then
        local option=${cur%%=*}
        _mpop_option_value "$option" "${cur#*=}"
        COMPREPLY=("${COMPREPLY[@]/#/$option=}")
        return 0
    fi
    if [[ $prev == -C ]]; then
        _mpop_option_value -C "$cur"
        return 0
    fi

    case $cur in
        --*)
            COMPREPLY=($(compgen -W "$_mpop_plain_options $_mpop_optional_options $_mpop_value_options" -- "$cur"))
            [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] &&
                compopt -o nospace 2>/dev/null
            ;;
        -*)
            COMPREPLY=($(compgen -W "$_mpop_short_options $_mpop_plain_options $_mpop_optional_options $_mpop_value_options" -- "$cur"))
            ;;
        *)
            local IFS=$'\n'
            COMPREPLY=($(compgen -W "$(_mpop_accounts)" -- "$cur"))
            ;;
    esac
    return 0
}

complete -F _mpop mpop
