/// One account as the configuration file and the command line describe it,
/// before mpop's last defaults are filled in, and which settings were given
/// explicitly.
///
/// This is mpop's `account_t` with its `mask`: `account B : A` copies the
/// settings A set explicitly, and command-line options override only what
/// they name (`conf.c:override_account`). The values are an ``Account``,
/// whose properties read and write through this type (`settings.host`);
/// ``AccountCheck`` completes them.
@dynamicMemberLookup
public struct AccountSettings: Sendable, Equatable {
    /// The values read so far.
    public var values: Account
    /// The settings given explicitly in this account's own section (and
    /// inherited through `account NAME : A,B`), or on the command line.
    public var explicitlySet: Set<Setting> = []

    /// mpop's defaults: those of ``Account``, except that no trust file is
    /// chosen yet (``AccountCheck`` chooses `system` unless the setting was
    /// given explicitly) and the UIDLs file is `home/.mpop_uidls/%U_at_%H`.
    public init(home: String) {
        values = Account()
        values.tlsTrustFile = nil
        values.uidlsFile = ConfigLocation.joined(ConfigLocation.joined(home, ".mpop_uidls"), "%U_at_%H")
    }

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<Account, Value>) -> Value {
        get { values[keyPath: keyPath] }
        set { values[keyPath: keyPath] = newValue }
    }

    /// Reads `argument` as the value of `setting` and marks the setting as
    /// given; a setting that is accepted and ignored changes nothing.
    /// - Throws: ``SettingArgument/Problem``, leaving everything as it was.
    public mutating func set(_ setting: Setting, _ argument: SettingArgument) throws(SettingArgument.Problem) {
        guard let storage = setting.definition.storage else { return }
        try storage.assign(argument, &values)
        explicitlySet.insert(setting)
    }

    /// Copies every setting `other` set explicitly and marks it as set here,
    /// as `conf.c:override_account` does for inheritance and for the
    /// command line.
    public mutating func override(with other: AccountSettings) {
        for setting in other.explicitlySet {
            setting.definition.storage?.copy(other.values, &values)
        }
        explicitlySet.formUnion(other.explicitlySet)
    }
}
