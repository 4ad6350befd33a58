; Inno Setup script for Enkash Desktop: a per-user install that needs no administrator rights.
; Built by packaging\windows\build.ps1, which passes /DAppVersion=<version> and expects the
; PyInstaller bundle in dist\enkash-desktop. Output: dist\EnkashDesktop-<version>-setup.exe.
;
; IT can put a defaults.json (the administrator's profiles) beside the setup program; it is
; then copied beside enkash-desktop.exe. Without one, the install is the same.
;
; IT deployment (packaging/README.md, "IT deployment"): per user by default, per machine with
; /ALLUSERS (or the choice in the first page); silent with /VERYSILENT /SUPPRESSMSGBOXES
; /NORESTART (the program is not started after a silent install). Uninstalling keeps the
; user's settings and history unless the user says so, or /PURGEUSERDATA is given.
; build.ps1 passes /DSign and a "/Senkash=signtool ..." command when signing is set up.

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
PrivilegesRequiredOverridesAllowed=dialog commandline
; {autopf}: %LOCALAPPDATA%\Programs per user, Program Files per machine (/ALLUSERS).
DefaultDirName={autopf}\{#AppName}
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
; PySide6 6.10 and newer needs Windows 10 version 1903 (build 18362) or newer.
MinVersion=10.0.18362
#ifdef Sign
SignTool=enkash
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Messages]
WinVersionTooLowError=Enkash Desktop needs Windows 10 version 1903 (build 18362) or newer. Please update Windows and then run this setup again.

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

[Code]
// The user's settings and history live in %LOCALAPPDATA%\enkash-desktop (platformdirs). They
// stay after an uninstall (an upgrade or a reinstall finds them again) unless the user asks,
// or IT passes /PURGEUSERDATA. A silent uninstall never asks. Secrets in Windows Credential
// Manager (service "enkash-desktop") are the user's and are not touched.
function PurgeUserDataRequested(): Boolean;
var
  I: Integer;
begin
  Result := False;
  for I := 1 to ParamCount do
    if CompareText(ParamStr(I), '/PURGEUSERDATA') = 0 then
      Result := True;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Purge: Boolean;
begin
  if CurUninstallStep <> usPostUninstall then
    Exit;
  Purge := PurgeUserDataRequested();
  if (not Purge) and (not UninstallSilent) then
    Purge := MsgBox('Enkash Desktop was removed. Do you also want to delete your own ' +
      'settings and the history of your calls from this computer? If you choose No, they ' +
      'are kept for the next installation.', mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
  if Purge then
    DelTree(ExpandConstant('{localappdata}\enkash-desktop'), True, True, True);
end;
