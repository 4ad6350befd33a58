; Inno Setup script for Enkash Desktop: a per-user install that needs no administrator rights.
; Built by packaging\windows\build.ps1, which passes /DAppVersion=<version> and expects the
; PyInstaller bundle in dist\enkash-desktop. Output: dist\EnkashDesktop-<version>-setup.exe.
;
; IT can put a defaults.json (the administrator's profiles) beside the setup program; it is
; then copied beside enkash-desktop.exe. Without one, the install is the same.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "Enkash Desktop"
#define AppExe "enkash-desktop.exe"
#define Root "..\.."

[Setup]
AppId={{6C1B7B0E-4D7A-4E61-9B7E-2F4C3B1E8A52}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=EnKash
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=
DefaultDirName={localappdata}\Programs\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
OutputDir={#Root}\dist
OutputBaseFilename=EnkashDesktop-{#AppVersion}-setup
SetupIconFile={#Root}\resources\icons\enkash-desktop.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Root}\dist\enkash-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
; Optional: the administrator's defaults.json from beside the setup program.
Source: "{src}\defaults.json"; DestDir: "{app}"; Flags: external skipifsourcedoesntexist ignoreversion

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autoprograms}\{#AppName} (demo mode)"; Filename: "{app}\{#AppExe}"; Parameters: "--demo"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the installer put there; the user's settings, history and keyring entries stay.
Type: files; Name: "{app}\defaults.json"
